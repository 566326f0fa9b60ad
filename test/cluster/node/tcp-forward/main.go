// Command tcp-forward accepts TCP connections on one address and pipes each to another address.
// The real test node uses it to make the `kubernetes` Service's ClusterIP (127.96.0.1:443, a loopback
// address) reach the API server on 127.0.0.1:<port>, so that hostNetwork pods using in-cluster
// configuration (KUBERNETES_SERVICE_HOST/PORT) talk to the API server with no kube-proxy and no
// routable address. The API server's certificate already names that ClusterIP.
//
//	tcp-forward LISTEN_ADDR TARGET_ADDR
package main

import (
	"io"
	"log"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatalf("usage: %s LISTEN_ADDR TARGET_ADDR", os.Args[0])
	}
	listener, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("forwarding %s to %s", os.Args[1], os.Args[2])
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go forward(conn, os.Args[2])
	}
}

func forward(client net.Conn, target string) {
	defer client.Close()
	server, err := net.Dial("tcp", target)
	if err != nil {
		log.Printf("dial %s: %v", target, err)
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(server, client); server.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(client, server); client.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}
