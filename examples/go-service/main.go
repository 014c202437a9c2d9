// Command limits serves per-route rate limits read from a limits file, and reloads the file on SIGHUP.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/limits/config"
)

func main() {
	path := flag.String("limits", "/etc/limits/limits.conf", "the limits file")
	addr := flag.String("listen", ":8080", "address to serve on")
	flag.Parse()

	// At start-up a bad file stops the process before it serves: Go's documented idiom, not reported.
	store, err := config.Open(*path)
	if err != nil {
		log.Fatalf("loading %s: %v", *path, err)
	}

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			store.Reload(*path)
		}
	}()

	srv := &http.Server{
		Addr:              *addr,
		Handler:           &limitsHandler{store: store},
		ReadHeaderTimeout: 5 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}
