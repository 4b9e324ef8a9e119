// The `sim` module (`bring sim;`): resources that exist only in the local
// simulator. Declarations only; see resources.json and docs/stdlib.md.

/// Options of a simulator Container.
pub struct ContainerProps {
  /// A name for the container, used in its image tag.
  name: str;
  /// An image to pull, or a path to a directory with a Dockerfile to build.
  image: str;
  /// The port inside the container to publish on the host (default: none).
  containerPort: num?;
  /// Environment variables (default none).
  env: Map<str>?;
  /// Arguments passed to the entrypoint (default none).
  args: Array<str>?;
  /// Volume mounts written "host:container" (default none).
  volumes: Array<str>?;
  /// The Docker network to attach to, such as "host" (default: Docker's default).
  network: str?;
  /// A command that replaces the image's entrypoint.
  entrypoint: str?;
  /// A glob, relative to the build directory, of the files that make up the image's hash (default: all).
  sourcePattern: str?;
  /// An explicit content hash of the image's sources (default: computed from `sourcePattern`).
  sourceHash: str?;
}

/// A Docker container run by the simulator.
pub class Container extends Resource {
  /// Creates a container.
  new(props: ContainerProps);
  /// The host port that `containerPort` is published on; nil without a `containerPort`.
  pub hostPort: str?;
}
