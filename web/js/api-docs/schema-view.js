// How one JSON schema of the OpenAPI description reads for a person: its type in Indonesian,
// its members (required or optional) with their own schemas nested, its allowed values, and a
// named schema ($ref) as a link to its entry in the Skema section. Pure DOM building; the texts
// from the document are shown as text, never as HTML.
import { h } from '../dom.js';

const TYPES = {
  string: 'teks', integer: 'bilangan bulat', number: 'angka', boolean: 'benar/salah', object: 'objek',
  array: 'daftar',
};
const DEPTH_MAX = 6;

export const schemaAnchor = (name) => `skema-${name}`;

/** A description with its `code` spans (the document's only markup) as <code>, the rest as text. */
export function richText(text) {
  return String(text || '').split('`').map((part, k) => (k % 2 ? h('code', {}, part) : part));
}

/** The schema's name when it is a {"$ref": "#/components/schemas/NAME"}, else null. */
export function refName(schema) {
  const ref = schema && schema.$ref;
  return typeof ref === 'string' && ref.startsWith('#/components/schemas/') ? ref.slice(21) : null;
}

function refLink(name) {
  return h('a', { href: `#${schemaAnchor(name)}`, class: 'skema-ref' }, name);
}

// One schema reduced to a line: "teks (YYYY-MM-DD)", "daftar dari Person", "objek".
function typeLine(schema) {
  const name = refName(schema);
  if (name) return [refLink(name)];
  if (schema.allOf && schema.allOf.length === 1) return [...typeLine(schema.allOf[0]), schema.nullable ? ' atau null' : ''];
  if (schema.type === 'array') return ['daftar dari ', ...typeLine(schema.items || {})];
  const parts = [TYPES[schema.type] || 'nilai apa pun'];
  const notes = [];
  if (schema.format && schema.format !== 'binary') notes.push(schema.format);
  if (schema.format === 'binary') notes.push('berkas');
  if (schema.pattern) notes.push(`pola ${schema.pattern}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    notes.push(`${schema.minimum ?? '…'} sampai ${schema.maximum ?? '…'}`);
  }
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    notes.push(`panjang ${schema.minLength ?? 0}–${schema.maxLength ?? '…'}`);
  }
  if (schema.maxItems !== undefined) notes.push(`paling banyak ${schema.maxItems}`);
  if (notes.length) parts.push(` (${notes.join('; ')})`);
  if (schema.nullable) parts.push(' atau null');
  return parts;
}

function enumLine(schema) {
  if (!Array.isArray(schema.enum)) return null;
  return h('span', { class: 'skema-enum' }, 'nilai: ',
    schema.enum.map((value, k) => [k ? ', ' : '', h('code', {}, value === null ? 'null' : String(value))]));
}

function hasMembers(schema) {
  return schema && !refName(schema) && (schema.properties && Object.keys(schema.properties).length > 0
    || (schema.additionalProperties && typeof schema.additionalProperties === 'object'));
}

// The schema whose members a nested list shows: the object itself, or an array's items.
function inner(schema) {
  if (schema && schema.type === 'array' && hasMembers(schema.items)) return schema.items;
  return hasMembers(schema) ? schema : null;
}

function members(schema, depth) {
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([name, member]) => {
    const nested = depth < DEPTH_MAX ? inner(member) : null;
    return h('li', {},
      h('code', { class: 'skema-nama' }, name), ' ',
      h('span', { class: required.has(name) ? 'badge wajib' : 'badge' }, required.has(name) ? 'wajib' : 'opsional'), ' ',
      h('span', { class: 'skema-tipe' }, typeLine(member)),
      member.description ? h('span', { class: 'muted' }, ' — ', richText(member.description)) : null,
      enumLine(member),
      nested ? members(nested, depth + 1) : null);
  });
  const extra = schema.additionalProperties;
  if (extra === false) rows.push(h('li', { class: 'muted' }, 'Anggota lain tidak diterima.'));
  if (extra && typeof extra === 'object') {
    const nested = depth < DEPTH_MAX ? inner(extra) : null;
    rows.push(h('li', {}, h('em', {}, 'setiap anggota lain: '), h('span', { class: 'skema-tipe' }, typeLine(extra)),
      enumLine(extra), nested ? members(nested, depth + 1) : null));
  }
  return h('ul', { class: 'skema-anggota' }, rows);
}

/**
 * A schema as a block: its type line, description, allowed values, and its members nested. With
 * `named` (components.schemas), a named schema ($ref) shows its members here too, one level.
 */
export function schemaView(schema, named = null) {
  if (!schema) return h('p', { class: 'muted' }, 'Tanpa skema.');
  const name = refName(schema);
  const target = name && named && named[name] ? named[name] : null;
  const shown = inner(target || schema);
  const description = target ? target.description : !name && schema.description;
  return h('div', { class: 'skema' },
    h('p', { class: 'skema-tipe' }, typeLine(schema), target && target.type && target.type !== 'object'
      ? [': ', typeLine(target)] : null),
    description ? h('p', { class: 'muted' }, richText(description)) : null,
    enumLine(target || schema),
    shown ? members(shown, 1) : null);
}
