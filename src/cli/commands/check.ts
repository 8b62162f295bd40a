// `gonogo check`: scan + evaluate, print the decision. (Owned by the policy work.)
import type { CommandRegistrar } from "../main.js";

export const registerCheck: CommandRegistrar = () => {};
