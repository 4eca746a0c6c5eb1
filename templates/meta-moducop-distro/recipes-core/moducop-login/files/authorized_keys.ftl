[#list distro.login.sshKeys as k]
[=k]
[/#list]
