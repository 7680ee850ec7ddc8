// Package manifest writes the deployment files of one flow of a package
// with per-role mains: Kubernetes manifests (a headless Service and a
// StatefulSet per role, the flow's parameter and input files in a
// ConfigMap, the certificates in a Secret) and a compose file (one service
// per member on a private network). See docs/deploy.md.
package manifest

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Deployment describes what to deploy.
type Deployment struct {
	// App names the deployment; resources are labelled with it and the
	// ConfigMap and Secret are named after it.
	App string
	// Flow is the flow every node runs.
	Flow string
	// Roles are the flow's locations, in a stable order.
	Roles []Role
	// Image returns the container image of a role's binary.
	Image func(role string) string
	// Files are the files the nodes' flags name (parameters given as
	// @PATH, input files), by the key under which they are mounted in
	// ConfigDir. Flags refer to them as ConfigDir/key.
	Files map[string]string
}

// Role is one location of the flow.
type Role struct {
	Name    string
	Members int
	// Args are the node flags of the role's members beyond those the
	// deployment sets (-flow, -member, -peers, -listen, -certs, -metrics).
	Args []string
}

// Where the containers find things, and the ports they use.
const (
	ConfigDir = "/etc/hydro/config"
	CertsDir  = "/etc/hydro/certs"
	// DataDir is where every node's data directory is mounted: a volume
	// of its own that outlives the container, for its durable state.
	DataDir     = "/var/lib/hydro"
	Port        = 7000
	MetricsPort = 9090
)

// SecretName returns the name of the Secret that holds the certificates of
// app; create it from the output of hydrogen certs.
func SecretName(app string) string { return app + "-certs" }

// ConfigName returns the name of the ConfigMap of app.
func ConfigName(app string) string { return app + "-config" }

func (d *Deployment) check() error {
	if !validName(d.App) {
		return fmt.Errorf("manifest: app name %q: want lower-case letters, digits and '-'", d.App)
	}
	for _, r := range d.Roles {
		if !validName(r.Name) {
			return fmt.Errorf("manifest: role %q: Kubernetes and compose names are lower-case letters, digits and '-'", r.Name)
		}
		if r.Members < 1 {
			return fmt.Errorf("manifest: role %s has no members", r.Name)
		}
	}
	for key := range d.Files {
		if key == "" || strings.ContainsAny(key, "/\\") || strings.HasPrefix(key, ".") {
			return fmt.Errorf("manifest: config file key %q", key)
		}
	}
	return nil
}

func validName(s string) bool {
	if s == "" || len(s) > 50 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// peers returns the -peers value with host(role, member) as each member's
// host.
func (d *Deployment) peers(host func(role string, m int) string) string {
	var locs []string
	for _, r := range d.Roles {
		addrs := make([]string, r.Members)
		for m := range addrs {
			addrs[m] = host(r.Name, m) + ":" + strconv.Itoa(Port)
		}
		locs = append(locs, r.Name+"="+strings.Join(addrs, ","))
	}
	return strings.Join(locs, ";")
}

// commonEnv is the environment every node gets.
func (d *Deployment) commonEnv(peers string) []envVar {
	return []envVar{
		{Name: "HYDRO_FLOW", Value: d.Flow},
		{Name: "HYDRO_PEERS", Value: peers},
		{Name: "HYDRO_LISTEN", Value: "0.0.0.0:" + strconv.Itoa(Port)},
		{Name: "HYDRO_CERTS", Value: CertsDir},
		{Name: "HYDRO_DATA", Value: DataDir},
		{Name: "HYDRO_METRICS", Value: "0.0.0.0:" + strconv.Itoa(MetricsPort)},
	}
}

type envVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *envVarSource `json:"valueFrom,omitempty"`
}

type envVarSource struct {
	FieldRef *fieldRef `json:"fieldRef,omitempty"`
}

type fieldRef struct {
	FieldPath string `json:"fieldPath"`
}

type object = map[string]any

// Kubernetes returns the manifests, as one YAML stream: for every role a
// headless Service (so that member m of role r is r-m.r) and a
// StatefulSet, whose pods take their member number from their ordinal;
// one ConfigMap with d.Files; and, mounted by every pod, the Secret
// SecretName(d.App), which is not part of the stream (it holds keys).
func Kubernetes(d Deployment) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	peers := d.peers(func(role string, m int) string { return fmt.Sprintf("%s-%d.%s", role, m, role) })
	var docs []object
	docs = append(docs, object{
		"apiVersion": "v1",
		"kind":       "ConfigMap",
		"metadata":   meta(ConfigName(d.App), d.App, ""),
		"data":       d.Files,
	})
	for _, r := range d.Roles {
		labels := map[string]string{"app.kubernetes.io/name": d.App, "app.kubernetes.io/component": r.Name}
		docs = append(docs, object{
			"apiVersion": "v1",
			"kind":       "Service",
			"metadata":   meta(r.Name, d.App, r.Name),
			"spec": object{
				"clusterIP":                "None",
				"publishNotReadyAddresses": true, // peers dial each other before they are ready
				"selector":                 labels,
				"ports": []object{
					{"name": "hydro", "port": Port, "targetPort": Port},
					{"name": "metrics", "port": MetricsPort, "targetPort": MetricsPort},
				},
			},
		})
		env := append(d.commonEnv(peers), envVar{Name: "HYDRO_MEMBER", ValueFrom: &envVarSource{
			FieldRef: &fieldRef{FieldPath: "metadata.labels['apps.kubernetes.io/pod-index']"},
		}})
		docs = append(docs, object{
			"apiVersion": "apps/v1",
			"kind":       "StatefulSet",
			"metadata":   meta(r.Name, d.App, r.Name),
			"spec": object{
				"serviceName":         r.Name,
				"replicas":            r.Members,
				"podManagementPolicy": "Parallel",
				"selector":            object{"matchLabels": labels},
				"template": object{
					"metadata": object{
						"labels": labels,
						"annotations": map[string]string{
							"prometheus.io/scrape": "true",
							"prometheus.io/port":   strconv.Itoa(MetricsPort),
						},
					},
					"spec": object{
						"containers": []object{{
							"name":  r.Name,
							"image": d.Image(r.Name),
							"args":  nonNil(r.Args),
							"env":   env,
							"ports": []object{
								{"name": "hydro", "containerPort": Port},
								{"name": "metrics", "containerPort": MetricsPort},
							},
							"volumeMounts": []object{
								{"name": "certs", "mountPath": CertsDir, "readOnly": true},
								{"name": "config", "mountPath": ConfigDir, "readOnly": true},
								{"name": "data", "mountPath": DataDir},
							},
							"readinessProbe": object{
								"httpGet": object{"path": "/metrics", "port": "metrics"},
							},
							"securityContext": object{
								"readOnlyRootFilesystem":   true,
								"allowPrivilegeEscalation": false,
							},
						}},
						// The images hold one static binary and no users:
						// run as an unprivileged id that can read the
						// Secret through its group.
						"securityContext": object{"runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532},
						"volumes": []object{
							{"name": "certs", "secret": object{"secretName": SecretName(d.App), "defaultMode": 0o440}},
							{"name": "config", "configMap": object{"name": ConfigName(d.App)}},
						},
					},
				},
				// One persistent volume per pod, kept across restarts
				// and rescheduling, for the node's durable state.
				"volumeClaimTemplates": []object{{
					"metadata": object{"name": "data"},
					"spec": object{
						"accessModes": []string{"ReadWriteOnce"},
						"resources":   object{"requests": object{"storage": "1Gi"}},
					},
				}},
			},
		})
	}
	return stream(docs)
}

func meta(name, app, component string) object {
	labels := map[string]string{"app.kubernetes.io/name": app}
	if component != "" {
		labels["app.kubernetes.io/component"] = component
	}
	return object{"name": name, "labels": labels}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// stream marshals docs as one YAML stream.
func stream(docs []object) ([]byte, error) {
	var b strings.Builder
	b.WriteString("# Generated by hydrogen manifests. DO NOT EDIT.\n")
	for _, doc := range docs {
		y, err := yaml.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return []byte(b.String()), nil
}

// Compose returns a compose file: one service per member, named and
// reached as role-member on a private (internal) network, with the
// certificates and config files mounted from certs/ and config/ beside
// the compose file, which is where hydrogen manifests writes them.
func Compose(d Deployment) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	peers := d.peers(func(role string, m int) string { return fmt.Sprintf("%s-%d", role, m) })
	services := object{}
	volumes := object{}
	for _, r := range d.Roles {
		for m := range r.Members {
			name := fmt.Sprintf("%s-%d", r.Name, m)
			env := map[string]string{}
			for _, e := range append(d.commonEnv(peers), envVar{Name: "HYDRO_MEMBER", Value: strconv.Itoa(m)}) {
				env[e.Name] = e.Value
			}
			services[name] = object{
				"image":       d.Image(r.Name),
				"hostname":    name,
				"command":     nonNil(r.Args),
				"environment": env,
				"read_only":   true,
				"networks":    []string{"hydro"},
				"volumes": []string{
					"./certs:" + CertsDir + ":ro",
					"./config:" + ConfigDir + ":ro",
					"data-" + name + ":" + DataDir,
				},
			}
			volumes["data-"+name] = object{}
		}
	}
	doc := object{
		"version":  "3.8",
		"services": services,
		"networks": object{"hydro": object{"internal": true}},
		"volumes":  volumes,
	}
	y, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return append([]byte("# Generated by hydrogen manifests. DO NOT EDIT.\n"), y...), nil
}

// ConfigPath returns where a node finds the config file key.
func ConfigPath(key string) string { return path.Join(ConfigDir, key) }

// Keys returns the config file keys, sorted.
func (d *Deployment) Keys() []string {
	keys := make([]string, 0, len(d.Files))
	for k := range d.Files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
