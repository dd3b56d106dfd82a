/* A tiny "kernel" for the core/symbols tests: linux_banner, a build ID, code and a code label at
 * kernel addresses, and struct layouts with the shapes the kernel uses (nested and anonymous
 * members, typedef/const/volatile chains, bit-fields, arrays, a flexible array, a declaration).
 * The expected values in vmlinux_test.cpp come from this file; keep line numbers stable.
 *
 * Rebuild both images from the repository root with gcc 12 and GNU ld; -gdwarf-2 -gstrict-dwarf
 * gives the old encodings (DW_OP_plus_uconst member locations, DW_AT_bit_offset bit-fields):
 *
 *   for v in "5" "2 -gstrict-dwarf"; do
 *     gcc -g -gdwarf-$v -O0 -nostdlib -static -no-pie -fno-pie -fno-asynchronous-unwind-tables \
 *       -fdebug-prefix-map="$PWD"=/build/panicscope -Wl,--build-id=sha1 -Wl,-e,fixture_entry \
 *       -Wl,-Ttext-segment=0xffffffff81000000 -Wl,-z,noseparate-code -Wl,-z,norelro \
 *       -o core/symbols/tests/data/fixture-dwarf${v%% *}.elf core/symbols/tests/data/fixture.c \
 *       core/symbols/tests/data/fixture_late.c
 *   done
 */
typedef unsigned int u32;
typedef unsigned long long u64;

struct inner {
    u32 a;
    u64 b;
};

typedef struct inner inner_t;
typedef const volatile inner_t cv_inner_t;

struct declared_only;

struct fixture_task {
    long state;
    struct inner in;
    union {
        struct {
            u32 x;
            u32 y;
        };
        u64 xy;
    };
    unsigned int low : 3;
    unsigned int mid : 13;
    unsigned int top : 4;
    cv_inner_t quals;
    char comm[16];
    u32 grid[2][3];
    struct declared_only* opaque;
    inner_t* next;
    char tail[];
};

union fixture_union {
    u32 word;
    unsigned char bytes[4];
    struct inner nested;
};

typedef struct {
    int first;
    int second;
} anon_pair_t;

const char linux_banner[] = "Linux version 6.1.0-fixture (panicscope@tests) #1 SMP\n";
struct fixture_task fixture_task_instance;
union fixture_union fixture_union_instance;
anon_pair_t fixture_pair;

__asm__(".text\n.globl fixture_label\nfixture_label:\n\tnop\n\tnop\n\tret\n");

int fixture_entry(void) {
    fixture_pair.first = 1;
    return fixture_pair.first + (int)fixture_task_instance.in.a;
}

/* Declared here, defined in the second unit (fixture_late.c): the index must skip this unit's
 * declaration and find the definition there, also through the typedef. */
struct late_defined;
typedef struct late_defined late_t;
late_t* fixture_late_pointer;
typedef struct declared_only declared_alias_t;
declared_alias_t* fixture_declared_pointer;
