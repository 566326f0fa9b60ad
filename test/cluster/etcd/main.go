// Command etcd is etcd's server main (go.etcd.io/etcd/server/v3/etcdmain), wrapped in a module of
// our own because `go install go.etcd.io/etcd/v3@...` is refused: etcd's root go.mod has replace
// directives. Same body as etcd's own main.go.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
