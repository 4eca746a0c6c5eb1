[=header]
# Registries tried, in order, for image names without a registry (docker-style "nginx:latest").
unqualified-search-registries = [[#list distro.containers.registries as r]"[=r]"[#sep], [/#list]]
# Like docker: use the first registry that has the image instead of asking on a terminal.
short-name-mode = "permissive"
