'use strict';
// Walks an answer (the Node.js SDK hands back the decoded JSON body as the response object) against the
// official SDK's model classes. The Node.js SDK generator makes a model's required fields its constructor
// parameters (`constructor(status, updated, ...) { this['status'] = status; ... }`); optional ones are only
// settable through `withX()`. See e.g. v2/model/ServerDetail.ts in
// https://github.com/huaweicloud/huaweicloud-sdk-nodejs-v3. Types come from the `withX(x: Type)`
// declarations of the model's .d.ts file.

const fs = require('fs');
const path = require('path');

const modelCache = new Map();

// One model: {keys: Map(jsonKey -> type text), required: Set(jsonKey)}, or null for an enum/unknown name.
function loadModel(modelDir, name) {
  if (modelCache.has(name)) {
    return modelCache.get(name);
  }
  const js = path.join(modelDir, `${name}.js`);
  const dts = path.join(modelDir, `${name}.d.ts`);
  let model = null;
  if (fs.existsSync(js) && fs.existsSync(dts)) {
    const source = fs.readFileSync(js, 'utf8');
    const declarations = fs.readFileSync(dts, 'utf8');
    const paramTypes = new Map();
    for (const match of declarations.matchAll(/\bwith\w+\((\w+): ([\s\S]*?)\): \w+;/g)) {
      paramTypes.set(match[1], match[2].replace(/\s+/g, ' ').trim());
    }
    const keys = new Map();
    for (const match of source.matchAll(/\bwith\w+\((\w+)\) \{\s*this\['([^']+)'\] = \1;/g)) {
      keys.set(match[2], paramTypes.get(match[1]) || 'any');
    }
    const required = new Set();
    const constructor = source.match(/constructor\(([^)]*)\) \{([\s\S]*?)\n {4}\}/);
    if (constructor) {
      for (const match of constructor[2].matchAll(/this\['([^']+)'\] = (\w+);/g)) {
        required.add(match[1]);
      }
    }
    model = { keys, required };
  }
  modelCache.set(name, model);
  return model;
}

function newFindings() {
  return { missing: [], wrong_type: [], unknown: [], absent_optional: [] };
}

function describe(value) {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function walk(modelDir, value, type, where, findings) {
  const wrong = () => findings.wrong_type.push(`${where}: ${describe(value)} where the SDK has ${type}`);
  const alternatives = type.split(' | ');
  if (alternatives.length > 1) {
    // `XxxEnum | string`: the SDK takes any string.
    if (alternatives.includes('string') && typeof value === 'string') {
      return;
    }
    type = alternatives.find((t) => t !== 'string') || 'string';
  }
  if (type === 'any' || type === 'object' || type === 'Date') {
    return;
  }
  if (type === 'string' || type === 'number' || type === 'boolean') {
    if (typeof value !== type) {
      wrong();
    }
    return;
  }
  const list = type.match(/^Array<(.+)>$/);
  if (list) {
    if (!Array.isArray(value)) {
      wrong();
      return;
    }
    value.forEach((item, index) => walk(modelDir, item, list[1], `${where}[${index}]`, findings));
    return;
  }
  const map = type.match(/^\{ \[key: string\]: (.+); \}$/);
  if (map) {
    if (describe(value) !== 'object') {
      wrong();
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      walk(modelDir, item, map[1], `${where}['${key}']`, findings);
    }
    return;
  }
  const model = loadModel(modelDir, type);
  if (model === null) {
    throw new Error(`error reading SDK model ${type}: no ${type}.js/.d.ts in ${modelDir}`);
  }
  walkModel(modelDir, value, model, type, where, findings);
}

function walkModel(modelDir, value, model, type, where, findings) {
  if (describe(value) !== 'object') {
    findings.wrong_type.push(`${where}: ${describe(value)} where the SDK has ${type}`);
    return;
  }
  for (const [key, keyType] of model.keys) {
    const at = `${where}.${key}`;
    if (value[key] === undefined || value[key] === null) {
      (model.required.has(key) ? findings.missing : findings.absent_optional).push(at);
      continue;
    }
    walk(modelDir, value[key], keyType, at, findings);
  }
  for (const key of Object.keys(value)) {
    if (!model.keys.has(key) && key !== 'httpStatusCode') {
      findings.unknown.push(`${where}.${key}`);
    }
  }
}

// Check a response object against the response model `name` (e.g. ShowServerResponse).
function checkResponse(modelDir, response, name) {
  const findings = newFindings();
  const model = loadModel(modelDir, name);
  if (model === null) {
    throw new Error(`error reading SDK model ${name}: no ${name}.js/.d.ts in ${modelDir}`);
  }
  walkModel(modelDir, response, model, name, '$', findings);
  findings.unknown.sort();
  return findings;
}

module.exports = { checkResponse, newFindings };
