// Command worker runs location "worker" of flow Hello, as hydrogen would
// generate it.
package main

import (
	"github.com/hydrogo/hydro/cmd/hydrogen/testdata/launch"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/deploy"
)

func main() {
	deploy.Main(deploy.Role{
		Name:  "worker",
		Flows: map[string]deploy.Builder{"Hello": buildHello},
	})
}

// buildHello builds location "worker" of flow Hello.
func buildHello(env *deploy.Env) (hydro.NetNode, error) {
	label, err := deploy.Param[string](env, "label")
	if err != nil {
		return nil, err
	}
	return launch.NewWorker(label), nil
}
