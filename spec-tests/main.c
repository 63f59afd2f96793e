/* build/spectest-run: the spec-test harness program (see harness.h and driver.c). */
#include "harness.h"

int main(int argc, char **argv)
{
    return harness_main(argc, argv, stdout, stderr);
}
