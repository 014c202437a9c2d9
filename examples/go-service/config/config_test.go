package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test code may fail fast: these shapes are not reported in a `_test.go` file.
func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "limits.conf")
	if err := os.WriteFile(path, []byte("/api/orders=100\n"), 0o600); err != nil {
		panic(err)
	}
	limits, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if rps, _ := limits.Limit("/api/orders"); rps != 100 {
		t.Fatalf("rps = %d, want 100", rps)
	}
	fields := strings.Split("a=b", "=")
	if fields[1] != "b" {
		t.Fatal(fields)
	}
}

func TestReloadKeepsServing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "limits.conf")
	if err := os.WriteFile(path, []byte("/api/orders=100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	store.Reload(path)
	if _, ok := store.Current().Limit("/api/orders"); !ok {
		t.Fatal("reload lost the limits")
	}
}
