[=header]
[network]
# netavark with aardvark-dns: containers of one compose project resolve each other by name.
network_backend = "netavark"

[engine]
# podman stages an image's blobs here while it pulls or loads it: on the data partition beside the
# storage, not in the default /var/tmp, a tmpfs (RAM) on this system. moducop-podman-tmp.conf
# (tmpfiles.d) creates it and empties it at boot.
image_copy_tmp_dir = "/data/containers/tmp"
[#if distro.containers.compose]
# `docker compose` and `podman compose` run podman-compose, never a docker-compose found on PATH.
compose_providers = ["podman-compose"]
compose_warning_logs = false
[#else]
# No compose provider is installed.
compose_providers = []
[/#if]
