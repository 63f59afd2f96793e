/* f64 arithmetic: dense 64x64 matrix multiply, C = A * B, n times, feeding a little of C back
 * into A each round; the checksum is the bits of the trace and a sum of C. */
#include "kernel.h"

#define DIM 64

static double a[DIM][DIM], b[DIM][DIM], c[DIM][DIM];

KERNEL_RUN(int64_t)
{
    for (int i = 0; i < DIM; i++)
        for (int j = 0; j < DIM; j++) {
            a[i][j] = (double)(i * DIM + j) / (DIM * DIM);
            b[i][j] = (double)((i + 2 * j) % 17) - 8.0;
        }
    uint64_t sum = 0;
    for (int32_t r = 0; r < n; r++) {
        for (int i = 0; i < DIM; i++)
            for (int j = 0; j < DIM; j++) {
                double s = 0;
                for (int k = 0; k < DIM; k++)
                    s += a[i][k] * b[k][j];
                c[i][j] = s;
            }
        double trace = 0;
        for (int i = 0; i < DIM; i++) {
            trace += c[i][i];
            a[i][(i + r) % DIM] += c[i][DIM - 1 - i] * 1e-6;
        }
        sum = sum * 31 + k_f64_bits(trace);
    }
    return (int64_t)sum;
}
