[=header]
# Container images and volumes go to the data partition: /var/lib is a tmpfs overlay on ModuCop.
FILESEXTRAPATHS:prepend:moducop := "${THISDIR}/files:"
