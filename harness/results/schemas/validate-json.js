// SPDX-License-Identifier: GPL-2.0
// Validate JSON documents against a JSON Schema (draft-07) with Debian's
// node-ajv (ajv 6), formats checked in "full" mode:
//   NODE_PATH=/usr/share/nodejs node validate-json.js SCHEMA FILE...
// Exit 0 if every FILE is valid; 1 with the errors (JSON pointers) if not;
// 2 if the schema or a file cannot be read.  Used by harness/results/tests.
'use strict';
const fs = require('fs');
let Ajv;
try {
	Ajv = require('ajv');
} catch (e) {
	console.error('validate-json: cannot load ajv (apt-get install node-ajv; NODE_PATH=/usr/share/nodejs): ' + e.message);
	process.exit(2);
}
const args = process.argv.slice(2);
if (args.length < 2) {
	console.error('usage: validate-json.js SCHEMA FILE...');
	process.exit(2);
}
let schema;
try {
	schema = JSON.parse(fs.readFileSync(args[0], 'utf8'));
} catch (e) {
	console.error(args[0] + ': ' + e.message);
	process.exit(2);
}
const ajv = new Ajv({ allErrors: true, format: 'full' });
let validate;
try {
	validate = ajv.compile(schema);
} catch (e) {
	console.error(args[0] + ': schema does not compile: ' + e.message);
	process.exit(2);
}
let bad = 0;
for (const f of args.slice(1)) {
	let doc;
	try {
		doc = JSON.parse(fs.readFileSync(f, 'utf8'));
	} catch (e) {
		console.error(f + ': ' + e.message);
		process.exit(2);
	}
	if (validate(doc)) {
		console.log(f + ': valid');
		continue;
	}
	bad = 1;
	for (const err of validate.errors.slice(0, 20))
		console.error(f + ': ' + (err.dataPath || '/') + ': ' + err.message +
			(err.params ? ' ' + JSON.stringify(err.params) : ''));
}
process.exit(bad);
