// `gonogo deploy|rollback|cascade|log`. (Owned by the release work.)
import type { CommandRegistrar } from "../main.js";

export const registerRelease: CommandRegistrar = () => {};
