package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hydrogo/hydro/hydro/deploy"
	"github.com/hydrogo/hydro/netio/pki"
)

// TestComposeFigure8OnDocker runs Figure 8 on Docker Engine from the compose
// file hydrogen manifests writes: FROM scratch images of the static role
// binaries, mutual TLS with certificates from package pki, a private
// network. With the three replicas up, it kills replica 1 and disconnects
// replica 2 from the network, then starts the client, whose sessions for
// those replicas cannot be served; then it starts replica 1 again and
// reconnects replica 2. Every replica must release every checked-out cart,
// and the replicas must agree on every cart.
//
// It needs Docker and docker-compose and runs only with
// HYDRO_DOCKER_TEST=1, which .ci/run sets; it takes about a minute.
func TestComposeFigure8OnDocker(t *testing.T) {
	if os.Getenv("HYDRO_DOCKER_TEST") != "1" {
		t.Skip("set HYDRO_DOCKER_TEST=1 to run Figure 8 on Docker (.ci/run does)")
	}
	for _, tool := range []string{"docker", "docker-compose"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	if err := exec.Command("docker", "info").Run(); err != nil {
		t.Skipf("Docker Engine is not running: %v", err)
	}
	t.Chdir("../..")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sh := func(dir string, env []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %s:\n%s", name, strings.Join(args, " "), out)
		return string(out)
	}

	tag := "t" + strconv.FormatInt(time.Now().UnixNano(), 36)
	project := "hydro" + tag
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"manifests", "-flow", "Figure8", "-n", "server=3", "-tag", tag, "-o", dir, "./examples/shopping", "--",
		"-param.classes=@data/classes.json", "-in.shopping.file", "data/sessions.jsonl"}, &stdout, &stderr), stderr.String())
	ids := []pki.Identity{pki.NodeID("client", 0), pki.ClientID(deploy.DefaultClientName)}
	for m := range uint64(3) {
		ids = append(ids, pki.NodeID("server", m))
	}
	require.NoError(t, pki.WriteDeployment(filepath.Join(dir, "certs"), "compose test", ids))

	// Static binaries, and images holding nothing else.
	for _, role := range []string{"client", "server"} {
		ctxDir := filepath.Join(dir, "image-"+role)
		require.NoError(t, os.MkdirAll(ctxDir, 0o755))
		sh(".", []string{"CGO_ENABLED=0"}, "go", "build", "-trimpath", "-o", filepath.Join(ctxDir, role), "./examples/shopping/cmd/"+role)
		dockerfile := fmt.Sprintf("FROM scratch\nCOPY %s /%s\nENTRYPOINT [\"/%s\"]\n", role, role, role)
		require.NoError(t, os.WriteFile(filepath.Join(ctxDir, "Dockerfile"), []byte(dockerfile), 0o644))
		image := "hydro-" + role + ":" + tag
		sh(ctxDir, nil, "docker", "build", "-q", "-t", image, ".")
		t.Cleanup(func() { exec.Command("docker", "rmi", "-f", image).Run() })
	}
	compose := func(args ...string) string {
		t.Helper()
		return sh(dir, nil, "docker-compose", append([]string{"-p", project, "-f", "compose.yaml"}, args...)...)
	}
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := exec.Command("docker-compose", "-p", project, "-f", filepath.Join(dir, "compose.yaml"), "logs", "--no-color").CombinedOutput()
			t.Logf("logs:\n%s", out)
		}
		exec.Command("docker-compose", "-p", project, "-f", filepath.Join(dir, "compose.yaml"), "down", "-v", "-t", "2").Run()
	})
	container := func(service string) string { return project + "_" + service + "_1" }

	compose("up", "-d", "server-0", "server-1", "server-2")
	sh(".", nil, "docker", "kill", container("server-1"))
	sh(".", nil, "docker", "network", "disconnect", project+"_hydro", container("server-2"))
	compose("up", "-d", "--no-deps", "client-0")
	time.Sleep(3 * time.Second) // the client resends to replicas that cannot answer
	sh(".", nil, "docker", "start", container("server-1"))
	sh(".", nil, "docker", "network", "connect", "--alias", "server-2", project+"_hydro", container("server-2"))

	// Every checked-out cart of the workload, by client.
	want := map[uint32]bool{}
	data, err := os.ReadFile("examples/shopping/data/sessions.jsonl")
	require.NoError(t, err)
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		if strings.Contains(line, `"Checkout":true`) {
			var s struct{ Client uint32 }
			require.NoError(t, json.Unmarshal([]byte(line), &s))
			want[s.Client] = true
		}
	}
	type replicaCart struct {
		Replica int
		Cart    struct {
			Client uint32
			Items  json.RawMessage
		}
	}
	var carts map[int]map[uint32]string
	deadline := time.Now().Add(90 * time.Second)
	for {
		carts = map[int]map[uint32]string{}
		for r := range 3 {
			carts[r] = map[uint32]string{}
			out, _ := exec.Command("docker", "logs", container(fmt.Sprintf("server-%d", r))).Output()
			for line := range strings.SplitSeq(string(out), "\n") {
				js, ok := strings.CutPrefix(line, "out ")
				if !ok {
					continue
				}
				var rc replicaCart
				require.NoError(t, json.Unmarshal([]byte(js), &rc), line)
				require.Equal(t, r, rc.Replica)
				carts[r][rc.Cart.Client] = string(rc.Cart.Items)
			}
		}
		done := true
		for r := range 3 {
			done = done && len(carts[r]) == len(want)
		}
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	for r := range 3 {
		for c := range want {
			require.Contains(t, carts[r], c, "replica %d never released the cart of client %d", r, c)
			require.Equal(t, carts[0][c], carts[r][c], "replicas 0 and %d disagree on client %d", r, c)
		}
	}
	// The restarted replica logged its start twice; the others once.
	logs, _ := exec.Command("docker", "logs", container("server-1")).CombinedOutput()
	require.Equal(t, 2, strings.Count(string(logs), `msg="node started"`))
	require.Contains(t, string(logs), "tls=true")
}
