[=header]
[network]
# netavark with aardvark-dns: containers of one compose project resolve each other by name.
network_backend = "netavark"

[engine]
[#if distro.containers.compose]
# `docker compose` and `podman compose` run podman-compose, never a docker-compose found on PATH.
compose_providers = ["podman-compose"]
compose_warning_logs = false
[#else]
# No compose provider is installed.
compose_providers = []
[/#if]
