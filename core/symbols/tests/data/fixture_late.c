/* The second compilation unit of the core/symbols test fixture; see fixture.c. */
struct late_defined {
    int a;
    long b;
};

struct late_defined fixture_late_instance;
