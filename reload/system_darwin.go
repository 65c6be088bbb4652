package reload

// kqueue holds a file descriptor for every file in a watched folder, and
// the default file system (APFS) ignores case.
var hostSystem = system{backend: "kqueue", budget: 4096, fold: true}
