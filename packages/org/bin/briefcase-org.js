#!/usr/bin/env node
// The `briefcase-org` command: runs the built CLI (`tsc -b` writes dist/cli.js). A file of its own,
// so installing the workspace links the command before anything is built.
import '../dist/cli.js'
