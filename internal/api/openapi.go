package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every route of the table in api.go; a test
// checks the two against each other both ways and validates the answers
// the tests receive against the schemas it declares.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.1 document of the API.
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ caller) error {
	// The document changes only with the binary: let clients cache it.
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(openAPIDocument)
	return nil
}
