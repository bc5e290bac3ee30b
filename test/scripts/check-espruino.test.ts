/**
 * The Espruino compatibility checker (scripts/check-espruino.js): one snippet
 * per rule proving it is reported, a clean set that must produce nothing, the
 * no-hoisting rule's scope handling, and the CLI's output and exit code.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface Finding { rule: string; message: string; line: number; column: number }
interface Checker { checkSource(code: string, fileName?: string): Finding[] }

const ROOT = path.resolve(__dirname, '..', '..');
const checker = require(path.join(ROOT, 'scripts', 'check-espruino.js')) as Checker;

function rulesOf(code: string): string[] {
  return checker.checkSource(code, 'snippet.js').map((f) => f.rule);
}

// [rule, snippet] : each snippet must produce at least one finding of that rule.
const FORBIDDEN: Array<[string, string]> = [
  ['non-ascii', 'var s = "caf\u00e9";'],
  ['reserved-identifier', 'var of = 1; f(of);'],
  ['reserved-identifier', 'function f(of) { return of }'],
  ['reserved-identifier', 'var o = { of };'],
  ['reserved-identifier', 'function f(undefined) { return 1 }'],
  ['reserved-identifier', 'var undefined = 2;'],
  ['class-field', 'class A { x = 1 }'],
  ['class-field', 'class A { static y = [] }'],
  ['static-block', 'class A { static { init() } }'],
  ['private-name', 'class A { m() { return this.#x } #x() {} }'],
  ['computed-key', 'var o = { [k]: 1 };'],
  ['computed-key', 'class A { [k]() {} }'],
  ['label', 'outer: for (;;) { break outer }'],
  ['tagged-template', 'tag`a${b}`;'],
  ['destructuring', 'var { a, b } = o;'],
  ['destructuring', 'var [a, b] = o;'],
  ['destructuring', '[a, b] = [b, a];'],
  ['destructuring', 'function f({ a }) { return a }'],
  ['default-param', 'function f(a = 1) { return a }'],
  ['default-param', 'var f = (a, b = 2) => a + b;'],
  ['rest', 'function f(...args) { return args }'],
  ['rest', 'var f = (...args) => args;'],
  ['spread', 'f(...args);'],
  ['spread', 'var a = [...b];'],
  ['spread', 'var o = { ...p };'],
  ['async', 'async function f() { await g() }'],
  ['async', 'var f = async () => 1;'],
  ['generator', 'function* g() { yield 1 }'],
  ['exponent', 'var x = a ** b;'],
  ['exponent', 'x **= 2;'],
  ['optional-chaining', 'var x = a?.b;'],
  ['optional-chaining', 'a?.();'],
  ['logical-assignment', 'a ||= b;'],
  ['logical-assignment', 'a &&= b;'],
  ['logical-assignment', 'a ??= b;'],
  ['new-target', 'function F() { if (!new.target) throw 1 }'],
  ['bigint', 'var n = 10n;'],
  ['import-export', 'import x from "y"; f(x);'],
  ['import-export', 'export var a = 1;'],
  ['regex', 'var r = /a(?=b)/;'],
  ['regex', 'var r = /a(?!b)/;'],
  ['regex', 'var r = /(?<=a)b/;'],
  ['regex', 'var r = /(?<!a)b/;'],
  ['regex', 'var r = /a{2}/;'],
  ['regex', 'var r = /a{2,4}/;'],
  ['regex', 'var r = new RegExp("(?<=a)b");'],
  ['class-extends', 'class A extends mixin(B) {}'],
  ['missing-global', 'var m = new Map();'],
  ['missing-global', 'var s = new Set();'],
  ['missing-global', 'var w = new WeakMap();'],
  ['missing-global', 'var w = new WeakSet();'],
  ['missing-global', 'var i = Symbol.iterator;'],
  ['missing-global', 'var p = new Proxy(o, h);'],
  ['missing-global', 'Reflect.ownKeys(o);'],
  ['missing-global', 'Buffer.from("a");'],
  ['missing-global', 'new TextEncoder();'],
  ['missing-global', 'new TextDecoder();'],
  ['missing-global', 'BigInt(1);'],
  ['missing-builtin', 'Array.from(a);'],
  ['missing-builtin', 'Array.of(1);'],
  ['missing-builtin', 'Object.freeze(o);'],
  ['missing-builtin', 'Object.seal(o);'],
  ['missing-builtin', 'Number.isInteger(1);'],
  ['missing-builtin', 'Math.trunc(1.5);'],
  ['missing-builtin', 'Promise.race([p]);'],
  ['missing-builtin', 's.codePointAt(0);'],
  ['missing-builtin', 'a.flat();'],
  ['missing-builtin', 'p.finally(done);'],
  ['no-hoisting', 'F(); function F() {}'],
  ['no-hoisting', 'var handlers = { data: F }; function F() {}'],
  ['no-hoisting', 'function G() { F() } G(); function F() {}'],
  ['no-hoisting', 'var G = function () { F() }; G(); function F() {}'],
  ['no-hoisting', '(function () { F() })(); function F() {}'],
  ['no-hoisting', '(() => F())(); function F() {}'],
  ['no-hoisting', 'function outer() { F(); function F() {} }'],
  ['no-hoisting', 'try { x() } catch (e) { F(); function F() {} }'],
  // Followed through any depth, recursion included.
  ['no-hoisting', 'function A() { B() } function B() { A(); F() } A(); function F() {}'],
  ['no-hoisting', 'function G() { function K() { F() } K() } G(); function F() {}'],
  ['no-hoisting', 'function G() { F() } G.call(null); function F() {}'],
  // new C() runs the constructor, instance field initialisers and the superclass's.
  ['no-hoisting', 'class C { constructor() { F() } } new C(); function F() {}'],
  ['no-hoisting', 'var C = class { constructor() { F() } }; new C(); function F() {}'],
  ['no-hoisting', 'class C { x = F() } new C(); function F() {}'],
  ['no-hoisting', 'class B { constructor() { F() } } class D extends B {} new D(); function F() {}'],
  // Aliases.
  ['no-hoisting', 'function G() { F() } var h = G, k = h; k(); function F() {}'],
  ['no-hoisting', 'function G() { var k = K; k() } function K() { F() } G(); function F() {}'],
  ['parse-error', 'var = ;'],
];

describe('checkSource reports each forbidden construct', () => {
  test.each(FORBIDDEN)('%s: %s', (rule, code) => {
    expect(rulesOf(code)).toContain(rule);
  });
});

// Constructs Espruino runs: none may produce a finding.
const CLEAN: string[] = [
  'var add = (a, b) => a + b; add(1, 2);',
  'class A { constructor(x) { this.x = x } get y() { return this.x } set y(v) { this.x = v } static make() { return new A(1) } }',
  'class B extends A { constructor() { super(1) } }',
  'var o = { get v() { return 1 }, set v(x) {}, m() { return 2 }, a };',
  'var t = `id-${n}`;',
  'for (const x of [1, 2, 3]) use(x);',
  'var v = a ?? b;',
  'try { f() } catch { g() }',
  'try { f() } catch (e) { g(e) } finally { h() }',
  'function F() { return 1 } F();',
  'setTimeout(function () { F() }, 10); function F() {}',
  'var cb = () => F(); function F() {} cb();',
  'function G() { F() } function F() {} G();',
  'function H(F) { return F() } H(g); function F() {}',
  'function G() { var F = 1; return F } G(); function F() {}',
  // The same calls as the deep, new and alias cases above, run only after F exists.
  'function A() { B() } function B() { A(); F() } function F() {} A();',
  'function A() { B() } function B() { F() } var later = function () { A() }; function F() {} later();',
  'function A() { B() } function B() { F() } setTimeout(A, 10); function F() {}',
  'function A() { A() } A(); function F() {}',
  'class C { constructor() { F() } } function F() {} new C();',
  'class C { constructor() { F() } } var make = function () { return new C() }; function F() {} make();',
  'function G() { F() } var h = G; function F() {} h();',
  // Reassigned before the call: what runs is not known, so it is not followed.
  'function G() { F() } var h = G; h = other; h(); function F() {}',
  'var G = function () { F() }; G = other; G(); function F() {}',
  'var o = { of: 1, let: 2, static: 3 }; o.of(); o.let = o.static;',
  'var Map = function () {}; new Map();',
  'function f() { try { g() } catch (e) { var Set = h } return new Set() }',
  'function f() { return undefined }',
  'x.at(0); s.lastIndexOf("a"); /a+b*[c-d]\\{2\\}/.test(s);',
  'var n = Math.pow(2, 10) + Math.floor(3.5);',
  'switch (a) { case 1: f(); break; default: g() }',
  'Promise.resolve(1).then(f).catch(g);',
  // Names of Object.prototype members must not be mistaken for table entries.
  'var constructor = 1, toString = 2; E.toString(x); o.valueOf(); o.hasOwnProperty("a");',
];

describe('checkSource accepts what Espruino runs', () => {
  test.each(CLEAN)('%s', (code) => {
    expect(checker.checkSource(code, 'clean.js')).toEqual([]);
  });
});

describe('finding positions and the no-hoisting details', () => {
  test('findings carry 1-based line and 0-based column of the offending node', () => {
    const findings = checker.checkSource('var a = 1;\nvar b = a ** 2;\n', 'pos.js');
    expect(findings).toEqual([{ rule: 'exponent', message: expect.stringContaining('**'), line: 2, column: 8 }]);
  });

  test('non-ASCII finding reports the offset', () => {
    const findings = checker.checkSource('var s = "x\u00ff";', 'a.js');
    expect(findings[0].message).toContain('offset 10');
    expect(findings[0].message).toContain('U+00FF');
  });

  test('a call through an earlier function names the intermediate call', () => {
    const findings = checker.checkSource('function G() {\n  F();\n}\nG();\nfunction F() {}\n', 'h.js');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'no-hoisting', line: 2, column: 2 });
    expect(findings[0].message).toContain('G()');
  });

  test('an IIFE parameter shadowing the function is not a use of it', () => {
    expect(checker.checkSource('(function (F) { F() })(g); function F() {}', 's.js')).toEqual([]);
  });

  test('a function G only called after F is declared is fine, called before is not', () => {
    expect(rulesOf('function G() { F() } function F() {} G();')).toEqual([]);
    expect(rulesOf('function G() { F() } G(); function F() {} G();')).toEqual(['no-hoisting']);
  });

  test('a call chain names every step, outermost first', () => {
    const findings = checker.checkSource('function A() { B() }\nfunction B() { F() }\nA();\nfunction F() {}\n', 'h.js');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'no-hoisting', line: 2, column: 15 });
    expect(findings[0].message).toContain('by A() -> B() (called at line 3)');
  });

  test('instance field initialisers run on new, not where the class is defined', () => {
    expect(rulesOf('class C { x = F() } function F() {} new C();')).toEqual(['class-field']);
    expect(rulesOf('class C { static x = F() } function F() {}')).toEqual(['class-field', 'no-hoisting']);
  });

  test('uses in a nested function body that is only defined are fine', () => {
    expect(rulesOf('var later = function () { return F() }; function F() {}')).toEqual([]);
  });
});

describe('CLI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-espruino-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('prints file:line:col rule message and exits 1 on findings', () => {
    fs.writeFileSync(path.join(dir, 'bad.js'), 'var ok = 1;\nvar x = a?.b;\n');
    fs.writeFileSync(path.join(dir, 'good.js'), 'var y = 2;\n');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-espruino.js'), dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(path.join(dir, 'bad.js') + ':2:8 optional-chaining');
    expect(run.stdout).toContain('2 file(s), 1 finding(s)');
  });

  test('exits 0 on clean files', () => {
    const file = path.join(dir, 'only-good.js');
    fs.writeFileSync(file, 'var y = 2;\n');
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-espruino.js'), file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('1 file(s), 0 finding(s)');
  });

  test('exits 2 on a missing path', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'check-espruino.js'), path.join(dir, 'nope')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('no such file or directory');
  });
});
