// Runs a module instrumented by `wvm instrument` under Node's WebAssembly engine and prints
// the gas it charged, for tests/node_gas.sh to compare with wvm's native fuel.
//
//   node gas.mjs call FILE.wasm import|global EXPORT [ARG...]
//       Instantiates FILE and calls EXPORT(ARG...) once. Import backend: FILE's gas import
//       (env.gas unless GAS_IMPORT=MODULE.NAME) is a JavaScript function that adds its
//       argument, read as an unsigned 64-bit integer, to a BigInt sum. Global backend: the
//       gas is the exported gas_left global (GAS_GLOBAL=NAME) before the call minus after.
//       Prints "result: R" per result (signed decimal), "gas: G", and for the import backend
//       "charges: N" (the number of calls of the gas function), for the global backend
//       "gas_left: BEFORE AFTER".
//   node gas.mjs trap FILE.wasm EXPORT [ARG...]
//       Global backend: the call must trap. Prints "trap: <RuntimeError message>" and
//       "gas_left: G" (unsigned), or "no trap" and the results.
//
// Arguments are passed as Numbers, or as BigInts when the function takes i64 (the JS API
// cannot tell the parameter types, so a call that rejects a Number is retried with BigInts).
// Exit status: 0 when the command ran (whatever it printed), 2 on a usage or setup error,
// such as a module that does not instantiate with only the gas import.
import { readFileSync } from 'node:fs';

const U64 = (1n << 64n) - 1n;

function fail(message) {
    process.stderr.write(`gas.mjs: ${message}\n`);
    process.exit(2);
}

function formatValue(v) {
    if (typeof v === 'bigint') return BigInt.asIntN(64, v).toString();
    return String(v);
}

function printResults(value) {
    const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
    for (const v of values) console.log(`result: ${formatValue(v)}`);
}

function callExport(fn, args) {
    try {
        return fn(...args.map(Number));
    } catch (e) {
        if (!(e instanceof TypeError) || !/BigInt/.test(e.message)) throw e;
        return fn(...args.map((a) => BigInt(a)));
    }
}

function load(file, imports) {
    let module;
    try {
        module = new WebAssembly.Module(readFileSync(file));
    } catch (e) {
        fail(`${file}: ${e.message}`);
    }
    let instance;
    try {
        instance = new WebAssembly.Instance(module, imports);
    } catch (e) {
        const wanted = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
        fail(`${file}: cannot instantiate (${e.message}); its imports: ${wanted.join(', ')}`);
    }
    return { module, instance };
}

function exportedFunction(instance, name) {
    const fn = instance.exports[name];
    if (typeof fn !== 'function') fail(`no exported function '${name}'`);
    return fn;
}

function gasGlobal(instance) {
    const name = process.env.GAS_GLOBAL || 'gas_left';
    const g = instance.exports[name];
    if (!(g instanceof WebAssembly.Global)) fail(`no exported global '${name}'`);
    return g;
}

const [command, file, ...rest] = process.argv.slice(2);
if (command === 'call') {
    const [backend, name, ...args] = rest;
    if (backend === 'import') {
        const spec = process.env.GAS_IMPORT || 'env.gas';
        const dot = spec.indexOf('.');
        const [mod, field] = [spec.slice(0, dot), spec.slice(dot + 1)];
        let sum = 0n;
        let charges = 0;
        const imports = {
            [mod]: {
                [field](amount) {
                    if (typeof amount !== 'bigint') fail(`the gas function got ${typeof amount}`);
                    sum += BigInt.asUintN(64, amount);
                    charges++;
                },
            },
        };
        const { module, instance } = load(file, imports);
        const declared = WebAssembly.Module.imports(module).some(
            (i) => i.module === mod && i.name === field && i.kind === 'function');
        if (!declared) fail(`${file} does not import the gas function ${mod}.${field}`);
        printResults(callExport(exportedFunction(instance, name), args));
        console.log(`gas: ${sum}`);
        console.log(`charges: ${charges}`);
    } else if (backend === 'global') {
        const { instance } = load(file, {});
        const g = gasGlobal(instance);
        const before = BigInt.asUintN(64, g.value);
        printResults(callExport(exportedFunction(instance, name), args));
        const after = BigInt.asUintN(64, g.value);
        console.log(`gas: ${before - after}`);
        console.log(`gas_left: ${before} ${after}`);
    } else {
        fail(`unknown backend '${backend}' (expected import or global)`);
    }
} else if (command === 'trap') {
    const [name, ...args] = rest;
    const { instance } = load(file, {});
    const g = gasGlobal(instance);
    try {
        printResults(callExport(exportedFunction(instance, name), args));
        console.log('no trap');
    } catch (e) {
        if (!(e instanceof WebAssembly.RuntimeError)) throw e;
        console.log(`trap: ${e.message}`);
    }
    const left = BigInt.asUintN(64, g.value);
    console.log(`gas_left: ${left}${left === U64 ? ' (2^64-1)' : ''}`);
} else {
    fail('usage: node gas.mjs call FILE import|global EXPORT [ARG...] | trap FILE EXPORT [ARG...]');
}
