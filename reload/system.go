package reload

// system is what watching needs to know of the OS it runs on
// (system_*.go). Tests stand in another one, so that every system's rules
// run on Linux.
type system struct {
	backend string // fsnotify's way of watching here, for messages
	// budget bounds the file descriptors the backend may hold before
	// polling takes over; 0: none. kqueue opens one for every file in a
	// watched folder, and a process that spends its descriptors on watches
	// has none left for connections.
	budget int
	// fold: file names are case-insensitive, as on the default file
	// systems of macOS and Windows: ignore patterns and the folders and
	// files ignored by name match whatever the case.
	fold bool
	// backslash: "\" separates folders in --ignore patterns, as Windows
	// users write paths; elsewhere it escapes the next character.
	backslash bool
}
