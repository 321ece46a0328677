package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Labels by which a compose file documents an exception to the rules below, so that every
// exception carries its reason next to the service it concerns.
const (
	// A job that runs to completion (e.g. database migrations): no health check, no restart,
	// and whoever depends on it waits for it to finish successfully.
	labelOneShot = "video-rooms.one-shot"
	// A service that publishes ports on the host. Everything else is reachable only from the
	// compose network, i.e. only through nginx.
	labelPublic = "video-rooms.public"
)

// An exact version tag (v1.13.5, 7.4.11-alpine, 1.29.8-alpine) or a digest: a tag that can
// move under us (latest, 7, 7-alpine) would make two deployments of one commit differ.
var pinnedTag = regexp.MustCompile(`^v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)*$`)

func checkPolicy(project *types.Project) []string {
	var problems []string
	report := func(service, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("service %s: %s", service, fmt.Sprintf(format, args...)))
	}

	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)

	for _, name := range names {
		service := project.Services[name]
		oneShot := strings.TrimSpace(service.Labels[labelOneShot]) != ""

		checkImage(service, func(format string, args ...any) { report(name, format, args...) })

		// Health: start order and `docker compose ps` are only as good as the health checks.
		if !oneShot && !hasHealthcheck(service) {
			report(name, "no healthcheck (a one-shot job says why with the %q label)", labelOneShot)
		}

		// Restart: long-running services come back after a crash or a reboot; a one-shot job
		// must not loop.
		switch {
		case oneShot && service.Restart != "no" && service.Restart != "":
			report(name, "one-shot job has restart %q; it must be \"no\"", service.Restart)
		case !oneShot && service.Restart != types.RestartPolicyUnlessStopped && service.Restart != types.RestartPolicyAlways:
			report(name, "restart is %q; want unless-stopped or always", service.Restart)
		}

		// Non-root, stated in the compose file so it holds whatever the image's default is.
		user := strings.SplitN(service.User, ":", 2)[0]
		if user == "" || user == "root" || user == "0" {
			report(name, "user is %q; every service runs as a non-root user", service.User)
		}

		// Start order on health: "service_started" would let a service start against a
		// dependency that is not answering yet.
		for dependency, spec := range service.DependsOn {
			target, ok := project.Services[dependency]
			if !ok {
				continue // compose-go already rejects unknown services
			}
			targetOneShot := strings.TrimSpace(target.Labels[labelOneShot]) != ""
			switch {
			case targetOneShot && spec.Condition != types.ServiceConditionCompletedSuccessfully:
				report(name, "depends on one-shot %s with condition %q; want %s", dependency, spec.Condition, types.ServiceConditionCompletedSuccessfully)
			case !targetOneShot && spec.Condition != types.ServiceConditionHealthy:
				report(name, "depends on %s with condition %q; want %s", dependency, spec.Condition, types.ServiceConditionHealthy)
			}
		}

		// Exposure: only services that say why may publish ports; replicas cannot share one.
		if len(service.Ports) > 0 && strings.TrimSpace(service.Labels[labelPublic]) == "" {
			report(name, "publishes ports without a %q label saying why", labelPublic)
		}
		if service.GetScale() > 1 && (len(service.Ports) > 0 || service.ContainerName != "") {
			report(name, "has %d replicas, so it cannot publish ports or set container_name", service.GetScale())
		}
	}
	return problems
}

func hasHealthcheck(service types.ServiceConfig) bool {
	hc := service.HealthCheck
	return hc != nil && !hc.Disable && len(hc.Test) > 0 && hc.Test[0] != "NONE"
}

func checkImage(service types.ServiceConfig, report func(string, ...any)) {
	if service.Build != nil {
		// Built here: its base images are pinned in the Dockerfile (tests/deploy checks those).
		dockerfile := service.Build.Dockerfile
		if dockerfile == "" {
			dockerfile = "Dockerfile"
		}
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(service.Build.Context, dockerfile)
		}
		if _, err := os.Stat(dockerfile); err != nil {
			report("build: %v", err)
		}
		return
	}
	image := service.Image
	if image == "" {
		report("neither image nor build")
		return
	}
	if strings.Contains(image, "@sha256:") {
		return
	}
	tag := ""
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		tag = image[i+1:]
	}
	if !pinnedTag.MatchString(tag) {
		report("image %q is not pinned to an exact version tag", image)
	}
}
