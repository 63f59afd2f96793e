;; Robustness corpus (tests/test_robustness.c): a module that imports one item of every kind
;; from the `spectest` host module and uses them from globals, data and element segments, a
;; start function, table dispatch and the bulk memory / table operators.
;; Rebuild: wat2wasm --debug-names robust_imports.wat -o robust_imports.wasm
(module $robust_imports
  (type $i2i (func (param i32) (result i32)))
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_i64" (func $print_i64 (param i64)))
  (import "spectest" "table" (table $t 10 funcref))
  (import "spectest" "memory" (memory $mem 1 2))
  (import "spectest" "global_i32" (global $gi i32))
  (import "spectest" "global_f64" (global $gf f64))

  (global $counter (mut i32) (i32.const 0))
  (global $base i32 (global.get $gi))
  (global $fref funcref (ref.func $double))
  (global $big (mut i64) (i64.const 0x123456789abcdef0))
  (global $half (mut f64) (global.get $gf))

  (data (i32.const 16) "hello, wvm\00")
  (data $passive "passive bytes")
  (data (offset (global.get $gi)) "\01\02\03\04")

  (elem (i32.const 0) $double $square $sum_to)
  (elem $pe func $double $square)
  (elem declare func $start)
  (elem $pex funcref (ref.func $square) (ref.null func))

  (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $i2i) (i32.mul (local.get 0) (local.get 0)))
  (func $sum_to (type $i2i) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get 0)))
        (local.set $acc (i32.add (local.get $acc) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br $next)))
    (local.get $acc))

  (func $dispatch (export "dispatch") (param $which i32) (param $x i32) (result i32)
    (block $b2
      (block $b1
        (block $b0
          (br_table $b0 $b1 $b2 (local.get $which)))
        (return (call_indirect $t (type $i2i) (local.get $x) (i32.const 0))))
      (return (call_indirect $t (type $i2i) (local.get $x) (i32.const 1))))
    (call_indirect $t (type $i2i) (local.get $x) (i32.const 2)))

  (func $bulk (export "bulk") (param $n i32)
    (memory.init $passive (i32.const 100) (i32.const 0) (local.get $n))
    (memory.copy (i32.const 200) (i32.const 100) (local.get $n))
    (memory.fill (i32.const 300) (i32.const 0xAA) (local.get $n))
    (data.drop $passive)
    (table.init $t $pe (i32.const 4) (i32.const 0) (i32.const 2))
    (table.copy $t $t (i32.const 6) (i32.const 4) (i32.const 2))
    (elem.drop $pe)
    (drop (table.grow $t (ref.null func) (i32.const 0)))
    (table.fill $t (i32.const 8) (ref.func $double) (i32.const 2))
    (table.set $t (i32.const 9) (table.get $t (i32.const 0)))
    (call $print_i32 (table.size $t))
    (call $print_i32 (ref.is_null (global.get $fref)))
    (call $print_i32 (memory.size)))

  (func $start
    (global.set $counter (i32.add (global.get $counter) (global.get $base)))
    (i32.store offset=8 (i32.const 0) (global.get $counter))
    (f64.store (i32.const 24) (f64.mul (global.get $half) (f64.const 0.5)))
    (call $print_i64 (global.get $big))
    (drop (memory.grow (i32.const 0))))

  (export "counter" (global $counter))
  (export "table" (table $t))
  (export "memory" (memory $mem))
  (export "double" (func $double))
  (start $start))
