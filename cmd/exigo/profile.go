package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles writes Go profiles for whoever measures exigo's speed:
// EXIGO_CPUPROFILE and EXIGO_MEMPROFILE name files that get the CPU
// profile and the allocations of the process's life, with ".<pid>"
// added (delivery workers inherit the setting). The returned function
// finishes them.
func startProfiles() func() {
	cpu, mem := os.Getenv("EXIGO_CPUPROFILE"), os.Getenv("EXIGO_MEMPROFILE")
	if cpu == "" && mem == "" {
		return func() {}
	}
	suffix := fmt.Sprintf(".%d", os.Getpid())
	var cpuFile *os.File
	if cpu != "" {
		f, err := os.Create(cpu + suffix)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			cpuFile = f
		}
	}
	return func() {
		if cpuFile != nil {
			pprof.StopCPUProfile()
			cpuFile.Close()
		}
		if mem != "" {
			if f, err := os.Create(mem + suffix); err == nil {
				runtime.GC()
				pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
		}
	}
}
