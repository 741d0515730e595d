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

	"github.com/seeda33a2f4f/resellerkit/identity"
	"github.com/seeda33a2f4f/resellerkit/members"
)

// Example embeds the whole portal on the in-memory store: seed the demo data, sign
// in with a demo user's password, then call the API with the session token the way
// curl would.
func Example() {
	ctx := context.Background()
	b, _ := openBackend(ctx, memoryDSN)
	defer b.Close()
	svc := members.NewService(b.store)
	ids, _ := identity.NewService(b.ids, identity.WithMemberships(svc))
	sd, _ := seed(ctx, b, svc, ids, time.Now())
	srv := httptest.NewServer(newServer(svc, ids, b.db, identityAuth{ids: ids}, slog.New(slog.NewTextHandler(io.Discard, nil))).routes())
	defer srv.Close()

	call := func(method, path, token, body string) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, raw
	}

	// curl -d '{"email":"general@demo.example.com","password":"…"}' http://127.0.0.1:8080/v1/sessions
	creds, _ := json.Marshal(map[string]string{"email": demoGeneral.Email, "password": sd.passwords[demoGeneral.Email]})
	status, raw := call("POST", "/v1/sessions", "", string(creds))
	var signed signedInJSON
	_ = json.Unmarshal(raw, &signed)
	fmt.Println(status, signed.Session.Method)

	// curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8080/v1/orgs/ORG/projects
	status, raw = call("GET", "/v1/orgs/"+sd.orgID+"/projects", signed.Token, "")
	var projects pageJSON[projectJSON]
	_ = json.Unmarshal(raw, &projects)
	fmt.Println(status)
	var lines []string
	for _, p := range projects.Items {
		lines = append(lines, "  "+p.Name+" "+p.Currency)
	}
	slices.Sort(lines) // the API orders by id, which is random
	fmt.Println(strings.Join(lines, "\n"))

	// Without a credential: 401.
	status, raw = call("GET", "/v1/orgs/"+sd.orgID+"/projects", "", "")
	fmt.Print(status, " ", string(raw))

	// The view-only general user may not invite (M-5).
	status, raw = call("POST", "/v1/orgs/"+sd.orgID+"/invitations", signed.Token, `{"email":"new@demo.example.com","type":"general"}`)
	var e errorBody
	_ = json.Unmarshal(raw, &e)
	fmt.Println(status, e.Error.Code)

	// A wrong password and an unknown email get the same answer (I-4).
	_, wrong := call("POST", "/v1/sessions", "", `{"email":"general@demo.example.com","password":"Wrong-Pass-1"}`)
	_, unknown := call("POST", "/v1/sessions", "", `{"email":"nobody@demo.example.com","password":"Wrong-Pass-1"}`)
	fmt.Println(string(wrong) == string(unknown))

	// Output:
	// 201 password
	// 200
	//   Development USD
	//   Production JPY
	// 401 {"error":{"code":"unauthenticated","message":"missing, unknown or expired session or API key"}}
	// 403 permission_denied
	// true
}
