// Command front runs location "front" of flow Hello, as hydrogen would
// generate it.
package main

import (
	"github.com/hydrogo/hydro/cmd/hydrogen/testdata/launch"
	"github.com/hydrogo/hydro/hydro"
	"github.com/hydrogo/hydro/hydro/deploy"
)

func main() {
	deploy.Main(deploy.Role{
		Name:  "front",
		Flows: map[string]deploy.Builder{"Hello": buildHello},
	})
}

// buildHello builds location "front" of flow Hello.
func buildHello(env *deploy.Env) (hydro.NetNode, error) {
	greeting, err := deploy.Param[string](env, "greeting")
	if err != nil {
		return nil, err
	}
	return launch.NewFront(deploy.Input(env, launch.HelloNamesPort()), greeting,
		deploy.Output(env, launch.HelloGreetedPort()), deploy.Output(env, launch.HelloReportsPort())), nil
}
