//go:build !linux && !darwin && !windows

package reload

// The BSDs watch with kqueue as macOS does, with case-sensitive names.
var hostSystem = system{backend: "kqueue", budget: 4096}
