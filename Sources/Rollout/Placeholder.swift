// Rollout and serving router: see the files of this target.
