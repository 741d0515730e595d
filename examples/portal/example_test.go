package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/seeda33a2f4f/resellerkit/members"
)

// Example embeds the whole portal on the in-memory store: seed the demo data, then
// call the API with the demo tokens the way curl would.
func Example() {
	ctx := context.Background()
	b, _ := openBackend(ctx, memoryDSN)
	secret, _ := b.state.Secret(ctx)
	tokens := tokenMinter{secret: secret}
	svc := members.NewService(b.store)
	orgID, _ := seed(ctx, svc, b.state, time.Now())
	srv := httptest.NewServer(newServer(svc, b.db, tokens, demoPrincipals(), slog.New(slog.NewTextHandler(io.Discard, nil))).routes())
	defer srv.Close()

	call := func(method, path string, who members.Principal, body string) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if who.IdentityID != "" {
			req.Header.Set("Authorization", "Bearer "+tokens.mint(who.IdentityID))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, raw
	}

	// curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/v1/orgs/ORG/projects
	status, raw := call("GET", "/v1/orgs/"+orgID+"/projects", demoGeneral, "")
	var projects pageJSON[projectJSON]
	_ = json.Unmarshal(raw, &projects)
	fmt.Println(status)
	var lines []string
	for _, p := range projects.Items {
		lines = append(lines, "  "+p.Name+" "+p.Currency)
	}
	slices.Sort(lines) // the API orders by id, which is random
	fmt.Println(strings.Join(lines, "\n"))

	// Without a token: 401.
	status, raw = call("GET", "/v1/orgs/"+orgID+"/projects", members.Principal{}, "")
	fmt.Print(status, " ", string(raw))

	// The view-only general user may not invite (M-5).
	status, raw = call("POST", "/v1/orgs/"+orgID+"/invitations", demoGeneral, `{"email":"new@demo.example.com","type":"general"}`)
	var e errorBody
	_ = json.Unmarshal(raw, &e)
	fmt.Println(status, e.Error.Code)

	// Output:
	// 200
	//   Development USD
	//   Production JPY
	// 401 {"error":{"code":"unauthenticated","message":"missing or unknown bearer token"}}
	// 403 permission_denied
}
