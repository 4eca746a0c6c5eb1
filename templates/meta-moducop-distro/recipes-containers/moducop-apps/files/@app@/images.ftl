[#list app.images() as img]
[=img.hex] [=img.repository] [=img.name]
[/#list]
