package reload

// inotify holds one watch per folder; its limit is max_user_watches, which
// Add reports as ENOSPC.
var hostSystem = system{backend: "inotify"}
