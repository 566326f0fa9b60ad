// Command pause is the sandbox ("pause") container of the real test node: it holds the pod's namespaces
// and does nothing until it is told to stop. It plays registry.k8s.io/pause, which cannot be pulled here
// (no registry), built from this module so the image is made locally (see test/cluster/node-image.sh).
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	// As the upstream pause does: reap children that get re-parented to PID 1 of a shared PID namespace.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGCHLD)
	go reap()
	<-stop
}

func reap() {
	for {
		var status syscall.WaitStatus
		if _, err := syscall.Wait4(-1, &status, 0, nil); err != nil {
			select {} // no children left to wait for: keep waiting for a stop signal only
		}
	}
}
