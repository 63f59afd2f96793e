/* Dynamic instruction profile, for choosing superinstructions: a build with -DVM_PROFILE
 * counts every executed internal instruction and every pair of consecutive ones, and, when the
 * first fell through into the second, the operand of the second that reads what the first
 * wrote (vm_forwarded_operand: "forwarding pairs"), and prints
 * the most frequent at exit (to the file named by WVM_PROFILE_OUT, else stderr): the 60 most
 * frequent instructions, every pair of at least 0.1 %, and every forwarding pair of at least
 * 0.1 %. Such a build does not pair its code
 * (vm/pairs.h), so that bench/tools/choose_pairs.py sees which pairs would run. Without
 * VM_PROFILE none of this exists. */
#ifndef WVM_VM_PROFILE_H
#define WVM_VM_PROFILE_H

#ifdef VM_PROFILE
#include <stdint.h>

/* Counts the execution of the instruction at pc. */
void vm_profile_step(const uint32_t *pc);
#endif

/* A build with -DVM_COUNT_DISPATCHES pairs its code as usual and counts the interpreter's
 * dispatches (the indirect jumps of NEXT: a pair's jump to its second handler is not one),
 * printing `dispatches: N` at exit (to the file named by WVM_PROFILE_OUT, else stderr). The
 * count depends on the program, its input and wvm's translation alone, not on the machine or
 * the C compiler: `make dispatch-check` holds it to bench/dispatches.txt, a check of one of
 * the benchmark's two main costs (docs/DESIGN.md, Dispatch) that needs no timing. */
#ifdef VM_COUNT_DISPATCHES
#include <stdint.h>

extern uint64_t vm_dispatch_count;
#endif

#endif
