// Package config reads the limits file, one `route=requests-per-second` line per route, and holds the
// limits the service currently serves with.
package config

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
)

// MaxRoutes is the most routes the service preallocates room for; a bigger file is rejected.
const MaxRoutes = 200

// Limits maps a route to its requests per second.
type Limits struct {
	perRoute map[string]int
}

// Limit returns the route's limit, if the file names it.
func (l *Limits) Limit(route string) (int, bool) {
	rps, ok := l.perRoute[route]
	return rps, ok
}

// Store holds the limits in use; handlers read them while a reload replaces them.
type Store struct {
	mu      sync.RWMutex
	current *Limits
}

// Open reads the file once, at start-up.
func Open(path string) (*Store, error) {
	limits, err := Load(path)
	if err != nil {
		return nil, err
	}
	return &Store{current: limits}, nil
}

// Current returns the limits in use.
func (s *Store) Current() *Limits {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.current
}

// Reload reads the file again after a SIGHUP and swaps the new limits in.
// The 18 November 2025 shape: Load rejects a file that is too big, which is right, and the reload makes that
// error fatal, so one bad file stops every instance that reloads it.
func (s *Store) Reload(path string) {
	limits, err := Load(path)
	if err != nil {
		log.Fatalf("reloading %s: %v", path, err)
	}
	s.mu.Lock()
	s.current = limits
	s.mu.Unlock()
}

// Load parses the limits file.
func Load(path string) (*Limits, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	limits := &Limits{perRoute: map[string]int{}}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		route, rps := parseLine(line)
		limits.perRoute[route] = rps
		if len(limits.perRoute) > MaxRoutes {
			return nil, fmt.Errorf("%s: more than %d routes", path, MaxRoutes)
		}
	}
	return limits, scanner.Err()
}

// parseLine reads `route=rps`. A line without `=` panics (the CrowdStrike shape: the code expects two
// fields and the input has one), and a limit that is not a number becomes 0, which blocks the route
// without a word (the FL1 shape).
func parseLine(line string) (string, int) {
	parts := strings.SplitN(line, "=", 2)
	rps, _ := strconv.Atoi(strings.TrimSpace(parts[1]))
	return strings.TrimSpace(parts[0]), rps
}
