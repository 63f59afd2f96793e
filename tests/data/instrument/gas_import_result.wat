;; env.gas (param i64) (result i32) and metering.usegas (param f32): neither is a gas import
;; that WVM_METER_PREMETERED recognises.
(module
  (import "env" "gas" (func (param i64) (result i32)))
  (import "metering" "usegas" (func (param f32)))
  (func (export "run") (param i32) (result i32) (local.get 0)))
