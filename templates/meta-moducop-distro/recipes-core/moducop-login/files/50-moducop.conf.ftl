[=header]
[#if distro.login.development]
# DEVELOPMENT IMAGE: root logs in with an empty password, here and on the console.
PermitRootLogin yes
PasswordAuthentication yes
PermitEmptyPasswords yes
[#else]
# root logs in with the keys in /root/.ssh/authorized_keys only; nobody logs in with a password.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitEmptyPasswords no
[/#if]
