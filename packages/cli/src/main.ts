#!/usr/bin/env node
import { PLACEHOLDER } from "@emqx-reconciler/api";

console.log(PLACEHOLDER satisfies string);
