// `gonogo scan`.
import type { CommandRegistrar } from "../main.js";

export const registerScan: CommandRegistrar = () => {};
