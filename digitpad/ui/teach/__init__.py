"""The teaching views: Evaluate, Inside the network, Preprocessing, My digits."""
