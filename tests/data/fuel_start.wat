;; Fuel metering corpus (tests/test_fuel.c): the example of docs/cost-model.md as a start
;; function. It sets a local to 10 and counts it down to 0 in a loop of five operators:
;; 2 host_entry + 1 call_entry + 2 (i32.const, local.set) + 10 x 5 = 55 under `default`.
;; Rebuild: wat2wasm --debug-names fuel_start.wat -o fuel_start.wasm
(module $fuel_start
  (func $start (local $n i32)
    (local.set $n (i32.const 10))
    (loop $l
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (start $start))
