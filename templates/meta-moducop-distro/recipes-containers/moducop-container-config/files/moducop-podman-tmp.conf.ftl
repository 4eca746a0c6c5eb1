[=header]
# podman's image copy directory (image_copy_tmp_dir in containers.conf.d/50-moducop.conf), on the
# data partition: made at boot, and emptied of what an interrupted pull left there.
D /data/containers/tmp 0700 root root -
