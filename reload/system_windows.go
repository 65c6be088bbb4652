package reload

// ReadDirectoryChangesW holds one handle per folder; NTFS ignores case.
var hostSystem = system{backend: "ReadDirectoryChangesW", fold: true, backslash: true}
