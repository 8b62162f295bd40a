// What a command module exports: a function that adds its command(s) to the program. Its own
// module, so the commands never import main.ts (which loads them): no import cycle.
import type { Command } from "commander";
import type { CliIO } from "./io.js";

export type CommandRegistrar = (program: Command, io: CliIO, done: (code: number) => void) => void;
