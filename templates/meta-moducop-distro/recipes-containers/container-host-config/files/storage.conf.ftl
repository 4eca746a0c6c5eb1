[=header]
# Images, containers and volumes live on the data partition; the root file system is read-only
# and /var/lib is a tmpfs overlay.
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/data/containers/storage"

[storage.options.overlay]
mountopt = "nodev"
