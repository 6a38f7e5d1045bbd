/*
 * Benchmark kernels in C, compiled by clang for wasm32 with no libc (see
 * benches/README.md): what C programs spend their time on, f64 arithmetic
 * over arrays of structs and byte-level compression. Each export takes a
 * size and returns a checksum, and imports nothing.
 */

typedef unsigned int u32;
typedef unsigned char u8;
typedef __SIZE_TYPE__ size_t;

/* With no libc, clang's calls for struct and array copies land here. */
void *memset(void *dst, int c, size_t n) {
    u8 *d = dst;
    while (n--)
        *d++ = (u8)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    u8 *d = dst;
    const u8 *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

/* ---- nbody: f64 arithmetic, sqrt, loads and stores of struct fields ---- */

struct body {
    double x, y, z;
    double vx, vy, vz;
    double mass;
};

#define BODIES 5

static struct body bodies[BODIES];

/* A small solar-like system: one heavy body at rest, four light ones on
 * roughly circular orbits, their velocities chosen so the total momentum
 * is zero. */
static void system_init(void) {
    const double k = 39.47841760435743; /* 4 pi^2: years and AU */
    double radius[BODIES] = {0.0, 1.3, 4.7, 9.1, 21.0};
    double mass[BODIES] = {1.0, 3.1e-6, 9.6e-4, 2.8e-4, 5.0e-5};
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < BODIES; i++) {
        struct body *b = &bodies[i];
        double r = radius[i];
        double tilt = 0.01 * i;
        b->x = r;
        b->y = 0.05 * r * i;
        b->z = tilt * r;
        b->vx = -0.02 * i;
        b->vy = r > 0 ? __builtin_sqrt(mass[0] / r) : 0.0;
        b->vz = tilt;
        b->mass = k * mass[i];
        px += b->vx * b->mass;
        py += b->vy * b->mass;
        pz += b->vz * b->mass;
    }
    bodies[0].vx = -px / bodies[0].mass;
    bodies[0].vy = -py / bodies[0].mass;
    bodies[0].vz = -pz / bodies[0].mass;
}

static void system_step(double dt) {
    for (int i = 0; i < BODIES; i++) {
        struct body *a = &bodies[i];
        for (int j = i + 1; j < BODIES; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * __builtin_sqrt(d2));
            a->vx -= dx * b->mass * mag;
            a->vy -= dy * b->mass * mag;
            a->vz -= dz * b->mass * mag;
            b->vx += dx * a->mass * mag;
            b->vy += dy * a->mass * mag;
            b->vz += dz * a->mass * mag;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        struct body *b = &bodies[i];
        b->x += dt * b->vx;
        b->y += dt * b->vy;
        b->z += dt * b->vz;
    }
}

static double system_energy(void) {
    double e = 0.0;
    for (int i = 0; i < BODIES; i++) {
        struct body *a = &bodies[i];
        e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
        for (int j = i + 1; j < BODIES; j++) {
            struct body *b = &bodies[j];
            double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
            e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static u32 fold_double(u32 h, double d) {
    union { double d; unsigned long long u; } bits = {d};
    h ^= (u32)bits.u;
    h *= 0x01000193u;
    h ^= (u32)(bits.u >> 32);
    h *= 0x01000193u;
    return h;
}

/* `steps` steps of the system; the energy before and after, as bits. */
__attribute__((export_name("nbody"))) u32 nbody(u32 steps) {
    system_init();
    u32 h = fold_double(0x811c9dc5u, system_energy());
    for (u32 s = 0; s < steps; s++)
        system_step(0.001);
    return fold_double(h, system_energy());
}

/* ---- spectral: the largest singular value of an implicit matrix ---- */

#define SPECTRAL_MAX 400
static double su[SPECTRAL_MAX], sv[SPECTRAL_MAX], st[SPECTRAL_MAX];

static double entry(u32 i, u32 j) {
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void times(u32 n, const double *in, double *out, int transpose) {
    for (u32 i = 0; i < n; i++) {
        double sum = 0.0;
        for (u32 j = 0; j < n; j++)
            sum += (transpose ? entry(j, i) : entry(i, j)) * in[j];
        out[i] = sum;
    }
}

static void times_ata(u32 n, const double *in, double *out) {
    times(n, in, st, 0);
    times(n, st, out, 1);
}

/* Ten rounds of the power method on AᵀA for an `n`×`n` A (n at most 400). */
__attribute__((export_name("spectral"))) u32 spectral(u32 n) {
    if (n > SPECTRAL_MAX)
        n = SPECTRAL_MAX;
    for (u32 i = 0; i < n; i++)
        su[i] = 1.0;
    for (int round = 0; round < 10; round++) {
        times_ata(n, su, sv);
        times_ata(n, sv, su);
    }
    double uv = 0.0, vv = 0.0;
    for (u32 i = 0; i < n; i++) {
        uv += su[i] * sv[i];
        vv += sv[i] * sv[i];
    }
    return fold_double(0x811c9dc5u, __builtin_sqrt(uv / vv));
}

/* ---- lz77crc: CRC-32 and a greedy LZ77 with a hash chain, on bytes ---- */

#define LZ_INPUT (64 * 1024)
#define LZ_WINDOW 4096
#define LZ_HASH 4096
#define LZ_MIN 3
#define LZ_MAX 258

static u8 lz_in[LZ_INPUT];
static u8 lz_out[LZ_INPUT + LZ_INPUT / 2 + 16];
static u8 lz_back[LZ_INPUT];
static int lz_head[LZ_HASH];
static int lz_prev[LZ_INPUT];
static u32 crc_table[256];

static void crc_init(void) {
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static u32 crc32(const u8 *p, u32 n) {
    u32 c = 0xffffffffu;
    for (u32 i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* Text-like input: words from a small vocabulary picked by an LCG, so it
 * compresses the way prose does. */
static void lz_fill(u32 n, u32 seed) {
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ",
                                  "lazy ", "dog ", "and ", "runs ", "far ", "away ",
                                  "while ", "a ", "cat ", "sleeps, ", "then. "};
    u32 s = seed, at = 0;
    while (at < n) {
        s = s * 1103515245u + 12345u;
        const char *w = words[(s >> 16) % (sizeof words / sizeof *words)];
        while (*w && at < n)
            lz_in[at++] = (u8)*w++;
    }
}

static u32 lz_hash(const u8 *p) {
    return ((p[0] << 8) ^ (p[1] << 4) ^ p[2]) & (LZ_HASH - 1);
}

/* Tokens: a literal is 0x00 and the byte; a match is 0x01, length - 3 and a
 * two-byte distance. */
static u32 lz_compress(u32 n) {
    u32 out = 0;
    for (int i = 0; i < LZ_HASH; i++)
        lz_head[i] = -1;
    u32 i = 0;
    while (i < n) {
        u32 best_len = 0, best_dist = 0;
        if (i + LZ_MIN <= n) {
            u32 h = lz_hash(lz_in + i);
            int cand = lz_head[h];
            int chain = 32;
            while (cand >= 0 && i - (u32)cand <= LZ_WINDOW && chain-- > 0) {
                u32 len = 0, limit = n - i < LZ_MAX ? n - i : LZ_MAX;
                while (len < limit && lz_in[cand + len] == lz_in[i + len])
                    len++;
                if (len > best_len) {
                    best_len = len;
                    best_dist = i - (u32)cand;
                }
                cand = lz_prev[cand];
            }
            lz_prev[i] = lz_head[h];
            lz_head[h] = (int)i;
        }
        if (best_len >= LZ_MIN) {
            lz_out[out++] = 1;
            lz_out[out++] = (u8)(best_len - LZ_MIN);
            lz_out[out++] = (u8)best_dist;
            lz_out[out++] = (u8)(best_dist >> 8);
            for (u32 k = 1; k < best_len; k++) {
                u32 j = i + k;
                if (j + LZ_MIN <= n) {
                    u32 h = lz_hash(lz_in + j);
                    lz_prev[j] = lz_head[h];
                    lz_head[h] = (int)j;
                }
            }
            i += best_len;
        } else {
            lz_out[out++] = 0;
            lz_out[out++] = lz_in[i++];
        }
    }
    return out;
}

static u32 lz_expand(u32 len) {
    u32 at = 0;
    for (u32 i = 0; i < len;) {
        if (lz_out[i] == 0) {
            lz_back[at++] = lz_out[i + 1];
            i += 2;
        } else {
            u32 n = lz_out[i + 1] + LZ_MIN;
            u32 dist = lz_out[i + 2] | (u32)lz_out[i + 3] << 8;
            for (u32 k = 0; k < n; k++, at++)
                lz_back[at] = lz_back[at - dist];
            i += 4;
        }
    }
    return at;
}

/* `rounds` times: fill 64 KiB, compress, expand, and check the round trip by
 * CRC; traps (unreachable) if it does not match. */
__attribute__((export_name("lz77crc"))) u32 lz77crc(u32 rounds) {
    crc_init();
    u32 h = 0;
    for (u32 r = 0; r < rounds; r++) {
        lz_fill(LZ_INPUT, r + 1);
        u32 crc = crc32(lz_in, LZ_INPUT);
        u32 packed = lz_compress(LZ_INPUT);
        u32 back = lz_expand(packed);
        if (back != LZ_INPUT || crc32(lz_back, back) != crc)
            __builtin_trap();
        h = (h ^ crc ^ packed) * 0x01000193u;
    }
    return h;
}
