[=header]
# Application [=app.name]: its profile's compose file as ModuCop read it. moducop-app@[=app.name].service
# runs it as compose project [=app.name] with the images preloaded in the slot.
[=compose]