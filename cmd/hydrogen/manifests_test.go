package main

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/hydrogo/hydro/hydro/deploy/manifest"
)

// writeManifests runs hydrogen manifests for Figure 8 with three replicas
// into a fresh directory and returns it.
func writeManifests(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	status := run([]string{"manifests", "-flow", "Figure8", "-n", "server=3", "-o", dir, "./examples/shopping", "--",
		"-param.classes=@data/classes.json", "-in.shopping.file", "data/sessions.jsonl"}, &stdout, &stderr)
	require.Equal(t, 0, status, stderr.String())
	require.Contains(t, stdout.String(), "hydrogen certs -o "+dir+"/certs client=1 server=3")
	return dir
}

// peerHosts returns the host of every address in a -peers value, by
// location and member.
func peerHosts(t *testing.T, peers string) map[string][]string {
	t.Helper()
	hosts := map[string][]string{}
	for entry := range strings.SplitSeq(peers, ";") {
		loc, list, ok := strings.Cut(entry, "=")
		require.True(t, ok, peers)
		for a := range strings.SplitSeq(list, ",") {
			host, port, ok := strings.Cut(a, ":")
			require.True(t, ok, a)
			require.Equal(t, fmt.Sprint(manifest.Port), port, a)
			hosts[loc] = append(hosts[loc], host)
		}
	}
	return hosts
}

// TestKubernetesManifests decodes the manifests with the Kubernetes API
// types (strictly: a field those types do not have fails) and checks that
// every peer address a node is given is the stable DNS name of a pod of a
// StatefulSet governed by a headless Service the manifests declare, that the
// files the nodes' flags name are in the ConfigMap, and that the
// certificates come from the Secret.
func TestKubernetesManifests(t *testing.T) {
	t.Chdir("../..")
	dir := writeManifests(t)
	data, err := os.ReadFile(filepath.Join(dir, "k8s.yaml"))
	require.NoError(t, err)

	services := map[string]corev1.Service{}
	sets := map[string]appsv1.StatefulSet{}
	var config corev1.ConfigMap
	for _, doc := range strings.Split(string(data), "\n---\n")[1:] {
		var kind struct{ Kind string }
		require.NoError(t, yaml.Unmarshal([]byte(doc), &kind))
		switch kind.Kind {
		case "Service":
			var s corev1.Service
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &s))
			services[s.Name] = s
		case "StatefulSet":
			var s appsv1.StatefulSet
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &s))
			sets[s.Name] = s
		case "ConfigMap":
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &config))
		default:
			t.Fatalf("unexpected kind %q", kind.Kind)
		}
	}
	require.ElementsMatch(t, []string{"client", "server"}, slices.Collect(maps.Keys(sets)))
	require.Equal(t, int32(3), *sets["server"].Spec.Replicas)
	require.Equal(t, int32(1), *sets["client"].Spec.Replicas)
	require.ElementsMatch(t, []string{"classes.json", "sessions.jsonl"}, slices.Collect(maps.Keys(config.Data)))

	for name, set := range sets {
		c := set.Spec.Template.Spec.Containers[0]
		env := map[string]corev1.EnvVar{}
		for _, e := range c.Env {
			env[e.Name] = e
		}
		require.Equal(t, "Figure8", env["HYDRO_FLOW"].Value)
		require.Equal(t, "metadata.labels['apps.kubernetes.io/pod-index']", env["HYDRO_MEMBER"].ValueFrom.FieldRef.FieldPath, name)
		require.Equal(t, manifest.CertsDir, env["HYDRO_CERTS"].Value)

		// Every peer address is <set>-<ordinal>.<service> for a pod that
		// exists, and the service is headless, selects the set's pods and
		// has the port.
		for loc, hosts := range peerHosts(t, env["HYDRO_PEERS"].Value) {
			for m, host := range hosts {
				pod, svcName, ok := strings.Cut(host, ".")
				require.True(t, ok, host)
				target, ok := sets[loc]
				require.True(t, ok, "peer %s: no StatefulSet %s", host, loc)
				require.Equal(t, fmt.Sprintf("%s-%d", target.Name, m), pod)
				require.Less(t, int32(m), *target.Spec.Replicas, host)
				require.Equal(t, target.Spec.ServiceName, svcName, host)
				svc, ok := services[svcName]
				require.True(t, ok, "peer %s: no Service %s", host, svcName)
				require.Equal(t, corev1.ClusterIPNone, svc.Spec.ClusterIP)
				require.True(t, svc.Spec.PublishNotReadyAddresses)
				for k, v := range svc.Spec.Selector {
					require.Equal(t, v, target.Spec.Template.Labels[k], "service %s selects other pods", svcName)
				}
				require.True(t, slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Port == manifest.Port }))
			}
		}
		// Files named by flags are in the ConfigMap, mounted where the
		// flags say; the certificates come from the Secret.
		for _, a := range c.Args {
			if _, path, ok := strings.Cut(a, manifest.ConfigDir+"/"); ok {
				require.Contains(t, config.Data, path, a)
			}
		}
		volumes := map[string]corev1.Volume{}
		for _, v := range set.Spec.Template.Spec.Volumes {
			volumes[v.Name] = v
		}
		for _, m := range c.VolumeMounts {
			v := volumes[m.Name]
			switch m.MountPath {
			case manifest.CertsDir:
				require.Equal(t, manifest.SecretName("shopping"), v.Secret.SecretName)
			case manifest.ConfigDir:
				require.Equal(t, config.Name, v.ConfigMap.Name)
			case manifest.DataDir:
				// A persistent volume claimed per pod: durable state
				// outlives the pod.
				require.Len(t, set.Spec.VolumeClaimTemplates, 1)
				require.Equal(t, m.Name, set.Spec.VolumeClaimTemplates[0].Name)
				require.Equal(t, manifest.DataDir, env["HYDRO_DATA"].Value)
			default:
				t.Fatalf("unexpected mount %s", m.MountPath)
			}
		}
	}
}

// composeFile is the part of a compose file the tests read.
type composeFile struct {
	Services map[string]struct {
		Image       string
		Hostname    string
		Command     []string
		Environment map[string]string
		Networks    []string
		Volumes     []string
	}
	Networks map[string]struct{ Internal bool }
}

func TestComposeFile(t *testing.T) {
	t.Chdir("../..")
	dir := writeManifests(t)
	data, err := os.ReadFile(filepath.Join(dir, "compose.yaml"))
	require.NoError(t, err)
	var f composeFile
	require.NoError(t, yaml.Unmarshal(data, &f))
	require.ElementsMatch(t, []string{"client-0", "server-0", "server-1", "server-2"}, slices.Collect(maps.Keys(f.Services)))
	require.True(t, f.Networks["hydro"].Internal, "the network is not private")
	for name, s := range f.Services {
		require.Equal(t, name, s.Hostname)
		require.Equal(t, []string{"hydro"}, s.Networks)
		for loc, hosts := range peerHosts(t, s.Environment["HYDRO_PEERS"]) {
			for m, host := range hosts {
				require.Equal(t, fmt.Sprintf("%s-%d", loc, m), host)
				require.Contains(t, f.Services, host)
			}
		}
		for _, a := range s.Command {
			if _, path, ok := strings.Cut(a, manifest.ConfigDir+"/"); ok {
				require.FileExists(t, filepath.Join(dir, "config", path))
			}
		}
		// Every node has a data volume of its own.
		require.Equal(t, manifest.DataDir, s.Environment["HYDRO_DATA"])
		require.Contains(t, s.Volumes, "data-"+name+":"+manifest.DataDir)
	}
}

// TestManifestsCountPartitions writes the manifests of ScalableVoting,
// whose broadcaster and collector (processes) and participants (a cluster)
// are partitioned into 5: -n counts base members, and each base member runs as
// its partitions, member m×5+p being partition p of base member m, as
// hydrogen run deploys them. Every peer list names every partition.
func TestManifestsCountPartitions(t *testing.T) {
	t.Chdir("../..")
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	status := run([]string{"manifests", "-flow", "ScalableVoting", "-n", "participant=3", "-o", dir, "./examples/voting", "--",
		"-in.requests.file", "data/requests.jsonl"}, &stdout, &stderr)
	require.Equal(t, 0, status, stderr.String())
	require.Contains(t, stdout.String(), "broadcaster=5")
	require.Contains(t, stdout.String(), "participant=15")
	data, err := os.ReadFile(filepath.Join(dir, "k8s.yaml"))
	require.NoError(t, err)
	replicas := map[string]int32{}
	for _, doc := range strings.Split(string(data), "\n---\n")[1:] {
		var s appsv1.StatefulSet
		require.NoError(t, yaml.Unmarshal([]byte(doc), &s))
		if s.Kind == "StatefulSet" {
			replicas[s.Name] = *s.Spec.Replicas
		}
	}
	require.Equal(t, map[string]int32{"client": 1, "leader": 1, "broadcaster": 5, "participant": 15, "collector": 5}, replicas)
	data, err = os.ReadFile(filepath.Join(dir, "compose.yaml"))
	require.NoError(t, err)
	var f composeFile
	require.NoError(t, yaml.Unmarshal(data, &f))
	require.Len(t, f.Services, 27)
	for name, s := range f.Services {
		hosts := peerHosts(t, s.Environment["HYDRO_PEERS"])
		for loc, n := range map[string]int{"participant": 15, "broadcaster": 5, "collector": 5} {
			if _, ok := hosts[loc]; ok {
				require.Len(t, hosts[loc], n, "%s's peers at %s", name, loc)
			}
		}
	}
}
