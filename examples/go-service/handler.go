package main

import (
	"encoding/json"
	"net/http"

	"example.com/limits/config"
)

// limitsHandler answers GET /limit?route=/api/orders with the route's requests per second.
type limitsHandler struct {
	store *config.Store
}

func (h *limitsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := r.URL.Query().Get("route")
	limit, ok := h.store.Current().Limit(route)
	if !ok {
		http.Error(w, "no limit for "+route, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(map[string]int{"rps": limit}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}
